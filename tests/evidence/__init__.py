"""Evidence that cannot flatter: real language, blind patients and a red-team suite.

Everything here talks to the running assistant the way a person or a client
would (REST, the public slots), never to its internals. The sets it reads
(tests/real, tests/blind, tests/redteam) were written by people who had seen
neither the code nor the lexicon; see their READMEs for provenance.
"""
