"""Tools for testing host applications and stores against iso10002.

``iso10002.testing.builders`` needs only the core library. The pytest plugin, hypothesis
strategies and the store conformance suite live in their own modules so that importing this
package never imports pytest or hypothesis.
"""
