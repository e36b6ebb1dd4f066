//! Shared setup for the property tests.

use proptest::test_runner::{Config, RngSeed};

/// The seed the property tests run from unless `PROPTEST_RNG_SEED` says otherwise.
pub const DEFAULT_SEED: u64 = 0x7274_6373_7065_6301;

/// A proptest configuration with a fixed seed: everything random in rtcspec comes from a
/// seed, so CI and a developer see the same cases. `PROPTEST_RNG_SEED=<u64>` explores
/// others and `PROPTEST_CASES=<n>` runs longer; the seed is printed, and the test harness
/// shows it with a failure.
pub fn seeded(cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if config.rng_seed == RngSeed::Random {
        config.rng_seed = RngSeed::Fixed(DEFAULT_SEED);
    }
    eprintln!("proptest seed {} ({} cases; set PROPTEST_RNG_SEED to change it)", config.rng_seed, config.cases);
    config
}
