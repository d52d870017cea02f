import BookFuzz
import Foundation
import Testing

/// The fuzzer's seeds and every input it ever found a crash or hang with (fuzz/regressions/),
/// through the same harness as `make fuzz`: none may crash or take long.
@Suite("Fuzzing regressions")
struct FuzzRegressionTests {
    @Test("seeds and past findings run through the harness quickly")
    func seedsAndFindings() throws {
        let root = TestBook.projectRoot.appendingPathComponent("fuzz")
        var inputs: [URL] = []
        for folder in ["seeds", "regressions"] {
            let url = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            inputs += names.sorted().filter { !$0.hasPrefix(".") && $0 != "README" }.map { url.appendingPathComponent($0) }
        }
        #expect(inputs.count >= 15)
        for input in inputs {
            let bytes = Array(try Data(contentsOf: input))
            let start = Date()
            let diagnostics = FuzzHarness.run(bytes)
            let seconds = Date().timeIntervalSince(start)
            #expect(diagnostics > 0, "\(input.lastPathComponent)")
            #expect(seconds < 10, "\(input.lastPathComponent) took \(seconds) s")
        }
    }
}
