//! `earshot topics`: discovered topics and matched texts.
