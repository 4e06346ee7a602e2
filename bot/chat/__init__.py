"""The messenger side: screens (text and buttons), the service that stores answers, the handlers."""
