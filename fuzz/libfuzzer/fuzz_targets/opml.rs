//! libFuzzer entry point of the `opml` target: [`veille_fuzz::opml`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| veille_fuzz::opml(data));
