// Builds the main package's fuzz entry points (and all they use) with the fuzzer's flags; scripts/fuzz
// then links each Targets/fuzz-*/Fuzz.swift against them with swiftc, where libFuzzer supplies `main`.
@_exported import BeredskabFuzz
