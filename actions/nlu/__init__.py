"""Language side of the assistant: the spaCy pipeline and the clinical extractor.

No Rasa imports here; ``components/`` wraps the extractor for Rasa's NLU.
"""
