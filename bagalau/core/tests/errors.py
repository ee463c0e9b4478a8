"""What a rule raised, for the tests that pin its code, field and params."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bagalau.core.errors import DomainError


def domain_error(call: Callable[..., Any], *args: Any, **kwargs: Any) -> DomainError:
    """The DomainError itself (not a subclass) that `call(*args, **kwargs)` raises."""
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert type(caught.value) is DomainError
    return caught.value
