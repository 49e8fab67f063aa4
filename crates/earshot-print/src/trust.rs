//! `earshot trust`: the authenticity model, its evaluation, one account's explanation and the scan.
