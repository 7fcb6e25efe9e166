"""Sign-offs of agreements and plans (and later statements and returns): one mechanism.

See ``carepool.core.signoff`` for the rules and docs/adr/0017-one-sign-off-mechanism.md.
"""
