import Testing

/// The precision suites, one at a time: generating and scanning a corpus is minutes of work in a debug build, and the
/// other suites of the run (the agent runtime's, which wait on their tasks) must keep a thread of Swift's two-thread
/// cooperative pool.
@Suite(.serialized) enum PrecisionCorpusSuites {}
