//! `earshot forecast`: a post's reach as a distribution, and the calibration.
