"""The official forms of the evaluation engine (documents.registry autodiscovers `printed`)."""

from . import printed_competency, printed_differentiation  # noqa: F401
