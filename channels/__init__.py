"""Input channels: Rasa's REST and socket.io channels, made resilient."""
