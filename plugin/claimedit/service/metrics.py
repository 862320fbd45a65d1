"""Prometheus metrics of the service. Labels are verdicts, edit codes and outcomes: never claim data."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

from claimedit.results import InputResult

__all__ = ["ServiceMetrics"]


@dataclass(frozen=True)
class ServiceMetrics:
    registry: CollectorRegistry
    claims: Counter
    findings: Counter
    inputs: Counter
    dead_letters: Counter
    processing_seconds: Histogram

    @classmethod
    def create(cls, registry: CollectorRegistry | None = None) -> ServiceMetrics:
        registry = registry or CollectorRegistry()
        return cls(
            registry=registry,
            claims=Counter("claimedit_claims", "Claims processed, by verdict", ["verdict"], registry=registry),
            findings=Counter(
                "claimedit_findings",
                "Findings raised, by edit code and severity",
                ["code", "severity"],
                registry=registry,
            ),
            inputs=Counter("claimedit_inputs", "Input messages, by outcome", ["outcome"], registry=registry),
            dead_letters=Counter(
                "claimedit_dead_letters",
                "Messages sent to the dead-letter queue, by reason",
                ["reason_kind"],
                registry=registry,
            ),
            processing_seconds=Histogram(
                "claimedit_pipeline_seconds", "Time reading, validating and editing one input", registry=registry
            ),
        )

    def observe(self, result: InputResult) -> None:
        for item in result.claims:
            self.claims.labels(verdict=item.verdict).inc()
            for finding in item.findings:
                self.findings.labels(code=finding.code, severity=finding.severity).inc()
        for unreadable in result.unreadable:
            self.claims.labels(verdict="unreadable").inc(unreadable.claims_inside)
