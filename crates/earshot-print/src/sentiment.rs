//! `earshot sentiment`: classified texts, the model, its training and evaluation.
