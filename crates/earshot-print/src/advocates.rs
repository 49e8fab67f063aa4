//! `earshot advocates`: a brand's advocates and detractors, and the reasons' evaluation.
