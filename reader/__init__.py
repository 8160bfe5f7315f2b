"""Language side of the assistant: the spaCy pipeline and the clinical extractor.

No Rasa imports here; ``components/`` wraps the extractor for Rasa's NLU. It lives
outside ``actions/`` on purpose: the action server imports every module of that
package, and spaCy would bring TensorFlow into it for nothing.
"""
