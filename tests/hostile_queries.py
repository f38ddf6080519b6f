"""Query strings people and robots send to the portal's long lists, for hypothesis tests."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Anything at all, in any one of a list's parameters.
HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "abc",
            "-1",
            "0",
            "99999",
            "1e9",
            "9" * 400,
            "' OR 1=1 --",
            "%",
            "_",
            "<script>alert(1)</script>",
            "\x00",
            "\u202e",
        ]
    ),
)

# Each example requests a page through the test client: few examples, no deadline.
LIST_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def query_strings(names, also=()):
    """Some of the parameters `names`, each hostile or one of the values `also`."""
    values = st.one_of(HOSTILE, st.sampled_from(also)) if also else HOSTILE
    return st.dictionaries(st.sampled_from(names), values)
