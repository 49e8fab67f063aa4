//! `earshot backtest`: one split against the baselines, or the protocol on every dataset.
