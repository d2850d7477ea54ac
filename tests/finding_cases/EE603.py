"""EE603: without the group per case: noord (90% group a) has 400 of 1000 selected, zuid
(90% group b) 20 of 1000; the bounds alone exclude parity."""

from eerlijkheid.analyses.composition import composition_rates
from eerlijkheid.findings._rules_proxies import proxy_findings


def findings():
    evidence = composition_rates(
        {"noord": (1_000, 400), "zuid": (1_000, 20)},
        {"noord": {"a": 0.9, "b": 0.1}, "zuid": {"a": 0.1, "b": 0.9}},
        feature="wijk",
        attribute="herkomst",
        reference="b",
    )
    return proxy_findings(composition=evidence, language="nl")
