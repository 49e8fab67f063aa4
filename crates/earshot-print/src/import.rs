//! `earshot import`: what each file gave and what it rejected.
