"""Platform adapters: translate platform payloads to core calls and neutral replies back."""
