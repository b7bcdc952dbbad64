#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import DropTopCore
import DropTopTUI

/// The ways droptop runs; every usage error ends with the synopsis of the one asked for.
enum Mode: String, CaseIterable {
    case ui, once, batch, json, fleet

    var flag: String {
        switch self {
        case .ui: return "the terminal UI"
        case .once: return "--once"
        case .batch: return "batch (-b)"
        case .json: return "--json"
        case .fleet: return "--listen and --textfile"
        }
    }

    var synopsis: String {
        let common = "[--iface <globs>] [--proc <dir>] [--sys <dir>]"
        switch self {
        case .ui: return "droptop [-i <seconds>] [--no-color] [--ascii] [--record <file> | --replay <file>] \(common)"
        case .once:
            return "droptop --once [-i <seconds>] [--format json|prometheus] [--compact] [--fail-on <severity>] \(common)"
        case .batch: return "droptop [-b] [<interval> [<count>]] [--count <n>] [-n <groups>] [-P ALL|<cpus>] \(common)"
        case .json: return "droptop --json [-i <seconds>] [--count <n>] [--record <file> | --replay <file>] \(common)"
        case .fleet:
            return "droptop --listen <addr:port> | --textfile <dir> [-i <seconds>] [--record <file> | --replay <file>] \(common)"
        }
    }

    /// The mode the raw arguments ask for, for a usage message when they could not be parsed.
    static func guess(_ arguments: [String]) -> Mode {
        if arguments.contains("--once") { return .once }
        if arguments.contains("--json") { return .json }
        if arguments.contains(where: { ["-b", "--batch"].contains($0) }) { return .batch }
        if arguments.contains(where: { $0.hasPrefix("--listen") || $0.hasPrefix("--textfile") }) { return .fleet }
        // A bare number that is not an option's value: sar's interval (droptop 1 3).
        for (k, a) in arguments.enumerated() where Double(a) != nil && (k == 0 || !arguments[k - 1].hasPrefix("-")) { return .batch }
        return .ui
    }
}

/// Options that mean something in some modes only: giving one elsewhere is an error, not ignored.
struct ModeRule {
    let names: [String]
    let modes: [Mode]

    static let table: [ModeRule] = [
        ModeRule(names: ["--compact"], modes: [.once]),
        ModeRule(names: ["--format"], modes: [.once]),
        ModeRule(names: ["--fail-on"], modes: [.once]),
        ModeRule(names: ["-n", "--groups"], modes: [.batch]),
        ModeRule(names: ["-P", "--cpus"], modes: [.batch]),
        ModeRule(names: ["--count"], modes: [.batch, .json]),
        ModeRule(names: ["--no-color", "--ascii"], modes: [.ui]),
        // They run their own sampling loop: with --once, -b or --json they would mean nothing.
        ModeRule(names: ["--listen", "--textfile"], modes: [.fleet]),
    ]

    /// The first spelling of this rule's options present in `arguments` (`--format=json` counts).
    func given(in arguments: [String]) -> String? {
        for argument in arguments {
            if argument == "--" { return nil }
            if let name = names.first(where: { argument == $0 || ($0.hasPrefix("--") && argument.hasPrefix($0 + "=")) }) { return name }
        }
        return nil
    }

    /// "--compact applies to --once only, not to batch (-b)" for the first misplaced option.
    static func check(_ arguments: [String], mode: Mode) throws {
        for rule in table where !rule.modes.contains(mode) {
            if let name = rule.given(in: arguments) {
                let modes = rule.modes.map(\.flag).joined(separator: " and ")
                throw ValidationError("\(name) applies to \(modes) only, not to \(mode.flag)")
            }
        }
    }
}

/// Argument spelling fixes before parsing: ArgumentParser reads "-1" as an option, so a negative
/// number after a numeric option becomes `--interval=-1` (and is refused by validation, with a
/// message saying why); a negative number anywhere else is refused here.
enum ArgumentFixes {
    static let numericOptions = ["-i": "--interval", "--interval": "--interval", "--count": "--count"]

    static func isNegativeNumber(_ s: String) -> Bool { s.hasPrefix("-") && Double(s) != nil }

    static func apply(_ arguments: [String]) throws -> [String] {
        var out: [String] = []
        var k = 0
        while k < arguments.count {
            let a = arguments[k]
            if a == "--" { return out + arguments[k...] }
            if let long = numericOptions[a], k + 1 < arguments.count, isNegativeNumber(arguments[k + 1]) {
                out.append("\(long)=\(arguments[k + 1])")
                k += 2
                continue
            }
            if isNegativeNumber(a) { throw ValidationError("interval and count must be positive (got \(a))") }
            out.append(a)
            k += 1
        }
        return out
    }
}

extension DropTopCommand {
    func validate() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if [once, batch, json].filter({ $0 }).count > 1 { throw ValidationError("choose one of --once, --batch and --json") }
        try validatePositional(arguments)
        if let count, count < 1 { throw ValidationError("--count must be positive (got \(count))") }
        try ModeRule.check(arguments, mode: mode)
        if let groups {
            do { _ = try BatchGroups.parse(groups) } catch { throw ValidationError("--groups: \(error.message)") }
        }
        if let cpuList {
            do { _ = try CPUSelection.parse(cpuList) } catch { throw ValidationError("-P: \(error.message)") }
        }
        if replay != nil && record != nil { throw ValidationError("--record and --replay cannot be used together") }
        try validateInterval(effectiveInterval)
        try validateNamespaceOptions()
        for (flag, path) in [("--proc", proc), ("--sys", sys)] {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                throw ValidationError("\(flag) \(path): not a directory")
            }
        }
    }

    /// sar's `interval [count]`: batch (or --json) only, positive, and not given twice.
    func validatePositional(_ arguments: [String]) throws {
        guard !positional.isEmpty else { return }
        guard mode == .batch || mode == .json else {
            throw ValidationError("\(mode.flag) takes no interval and count arguments (got \(positional[0]); use -i)")
        }
        guard positional.count <= 2 else {
            throw ValidationError("batch arguments are [interval [count]], e.g. droptop 1 5 (got \(positional.joined(separator: " ")))")
        }
        guard let interval = Double(positional[0]), interval.isFinite else {
            throw ValidationError("interval \(positional[0]) is not a number of seconds (batch arguments are [interval [count]])")
        }
        if interval <= 0 { throw ValidationError("interval must be positive (got \(positional[0]))") }
        if positional.count == 2 {
            guard let n = Int(positional[1]) else { throw ValidationError("count \(positional[1]) is not a whole number") }
            if n < 1 { throw ValidationError("count must be positive (got \(n))") }
            if let count { throw ValidationError("the count is given twice (\(n) and --count \(count)): give one") }
        }
        if let given = ["-i", "--interval"].first(where: { name in arguments.contains { $0 == name || $0.hasPrefix(name + "=") } }) {
            throw ValidationError("the interval is given twice (\(positional[0]) and \(given)): give one")
        }
    }

    func validateInterval(_ interval: Double) throws {
        let shown = interval == interval.rounded() && abs(interval) < 1e9 ? String(Int(interval)) : String(interval)
        guard interval.isFinite, interval >= 0 else { throw ValidationError("-i/--interval must be positive (got \(shown))") }
        guard once || interval > 0 else { throw ValidationError("-i/--interval must be positive (0 only with --once)") }
        guard once || interval == 1 || interval >= KeyHandler.minimumInterval else {
            throw ValidationError("-i/--interval must be at least \(KeyHandler.minimumInterval) seconds except with --once")
        }
        guard interval <= 3600 else { throw ValidationError("-i/--interval must be at most 3600 seconds") }
    }
}
