//! `earshot redteam`: each attack on each target, rescored.
