//! `earshot triage`: ingested messages, the queue, one decision, the answered mark and the fairness report.
