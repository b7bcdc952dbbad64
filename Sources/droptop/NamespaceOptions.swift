import ArgumentParser
import DropTopCore

/// --netns and --all-netns (docs/json.md, "Network namespaces").
extension DropTopCommand {
    func validateNamespaceOptions() throws {
        // Other namespaces are read live through /proc/PID/net of their processes: a captured
        // tree has none, and a recording replays the namespaces it recorded without the flag.
        if allNetns && (proc != "/proc" || replay != nil) {
            throw ValidationError("--all-netns reads the live system: not with --proc or --replay "
                + "(a recording made with --all-netns replays its namespaces without it)")
        }
        // Named live without --all-netns, the group would stay empty (-n ALL just leaves it out).
        let netnsGroup = ColumnGroup.netns.name
        if !allNetns && replay == nil, let groups, groups.split(separator: ",").contains(where: { $0.uppercased() == netnsGroup }) {
            throw ValidationError("the \(netnsGroup) group needs --all-netns (droptop -b 1 -n \(netnsGroup) --all-netns)")
        }
        if netns != nil && (proc != "/proc" || replay != nil) {
            throw ValidationError("--netns reads the live system: not with --proc or --replay")
        }
    }

    /// --netns: droptop moves into the namespace before it reads anything.
    func enterNamespace() throws {
        guard let netns else { return }
        do { try NetworkNamespace.enter(NetworkNamespace.path(for: netns)) } catch {
            writeError("droptop: --netns \(DisplayName.escaped(netns)): \(error.message)")
            throw ExitCode(1)
        }
    }

    /// Live link facts over rtnetlink (right whatever namespace /sys belongs to), and the
    /// other namespaces with --all-netns.
    func configureNamespaces(_ sampler: Sampler) {
        guard proc == "/proc" else { return }
        if let links = try? RtnetlinkLinks() { sampler.linkFacts = LinkFactsSource(links, sysAllowed: true) }
        guard allNetns else { return }
        let namespaces = NamespaceSampler()
        namespaces.fitToDescriptorLimit()
        // The UI and a stream may spend 0.2 % of a core on all namespaces' socket tables; --once reads them every time.
        namespaces.socketTableBudget = once ? nil : 0.002
        // Each namespace's own drop reasons, as for the host (a second program, loaded only with --all-netns).
        if !noDropReasons && !(once && effectiveInterval == 0) { namespaces.dropReasons = NamespaceDropReasons() }
        sampler.namespaces = namespaces
    }
}
