// The libFuzzer entry point over the loader and the checker (see BookFuzz.FuzzHarness).
// `make fuzz` builds this with -sanitize=fuzzer,address: libFuzzer's driver is then linked in
// and runs the harness (arguments as for any libFuzzer target; a crash file replays one crash).
// In a normal build it runs the harness once on each file named on the command line.
import BookFuzz
import CFuzzDriver
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    FuzzHarness.run(bytes)
    return 0
}

if sb_has_fuzz_driver() != 0 {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(sb_fuzz_driver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
}
for path in CommandLine.arguments.dropFirst() {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write("fuzz-load: cannot read \(path)\n".data(using: .utf8)!)
        exit(2)
    }
    print("\(path): \(FuzzHarness.run(Array(data))) diagnostics")
}
