"""Delivery: updates stored before Telegram is told they arrived (the inbox), each member's updates
handled in order and members concurrently (the dispatcher), and replies stored with the change they
acknowledge and sent, retried, by a sender (the outbox). The walk knows none of this but the ``Turn``."""
