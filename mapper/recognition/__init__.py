"""What the recognizer knows about words: its word lists, the gazetteer matcher, and the rules
about the words around a name that tell a place from a person, a product or a common word."""
