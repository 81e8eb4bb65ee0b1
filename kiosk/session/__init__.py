"""A visitor's session: answers, autosave, idle timeout, continue later, submit, wipe."""
