"""Conversation storage: Rasa's SQL tracker store, tuned for the embedded SQLite default."""
