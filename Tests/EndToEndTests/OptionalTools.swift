import Foundation
import Testing

/// A program some tests run that a plain Swift toolchain lacks. Without it the test is skipped,
/// with the Debian package to install in the message; under CI (CI=true) it is a failure, so CI
/// cannot pass by quietly skipping what `.ci/run` was meant to install.
struct OptionalTool: Sendable {
    let program: String
    let debianPackage: String

    static let promtool = OptionalTool(program: "promtool", debianPackage: "prometheus")
    static let groff = OptionalTool(program: "groff", debianPackage: "groff-base")
    static let tmux = OptionalTool(program: "tmux", debianPackage: "tmux")
    static let strace = OptionalTool(program: "strace", debianPackage: "strace")

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The program's path on $PATH, nil when absent.
    var path: String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return dirs.map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    var missingMessage: String {
        "\(program) is not installed: apt-get install \(debianPackage) (or run .ci/run) to run this test"
    }

    /// Enabled when the program is there, and always under CI (where `require()` then fails).
    var trait: ConditionTrait { .enabled(if: path != nil || Self.isCI, Comment(rawValue: missingMessage)) }

    /// The program's path; under CI a missing program throws, which fails the test.
    func require() throws -> String {
        guard let path else { throw MissingTool(message: "CI=true: " + missingMessage) }
        return path
    }
}

struct MissingTool: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// `@Test(.needs(.promtool))`: skipped with the package to install when promtool is missing.
extension Trait where Self == ConditionTrait {
    static func needs(_ tool: OptionalTool) -> ConditionTrait { tool.trait }
}
