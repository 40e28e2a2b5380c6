//! End-to-end tests of the `veille` binary, in one test binary. They start a
//! local HTTP server on 127.0.0.1 that serves the fixture world
//! (`tests/fixtures/e2e/`), run the real binary against it, and check the
//! result through the API. Nothing here reaches beyond 127.0.0.1.

mod accounts;
mod backup;
mod cli;
mod concurrency;
mod crash;
mod kits;
mod learning;
mod operators;
mod postgres;
mod practices;
mod submissions;
mod support;
mod tidy;
mod workers;
mod world;
