"""Reading `/metrics` the way Prometheus does: the text format, parsed by prometheus_client's
own parser (so a malformed exposition fails the test), into sample values by name and labels."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    """Every sample in the exposition, keyed by (sample name, labels)."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    """The sample's value; None when the exposition has no such sample."""
    return samples.get((name, frozenset(labels.items())))


def count(samples: Samples, name: str, **labels: str) -> float:
    """A counter's value, 0 when it was never incremented (no sample for those labels)."""
    return value(samples, name, **labels) or 0.0
