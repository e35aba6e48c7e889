"""The Microsoft Teams adapter."""
