//! Stored rows turned into the inputs the kernels take: one place that reads the store for every use
//! case, so that a scoring run, a forecast and a plan read the same events the same way.

pub mod diffusion;
pub mod edge_list;
mod flags;
mod scoring;
pub mod snapshot;
pub mod social;
mod stored_run;

pub use flags::{find_copies, flag_posts};
pub use scoring::{
    apply_behaviour, load_input, load_input_before_behaviour, post_info, reaction, Text,
};
pub use stored_run::run_input;
