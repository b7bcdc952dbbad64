import Testing
@testable import DropTopCore

/// The parsers behind --all-netns: nsfs link targets, /proc/PID/stat states, cgroup paths,
/// pod log directory names, RTM_NEWLINK records, and how a namespace is named.
struct NamespaceParserTests {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func netInodeReadsOnlyANetNamespaceLink() {
        #expect(NamespaceParsers.netInode(bytes("net:[4026531840]")) == 4026531840)
        #expect(NamespaceParsers.netInode(bytes("mnt:[4026531840]")) == nil)
        #expect(NamespaceParsers.netInode(bytes("net:[]")) == nil)
        #expect(NamespaceParsers.netInode(bytes("net:[12a]")) == nil)
        #expect(NamespaceParsers.netInode(bytes("net:[99999999999999999999]")) == nil)
    }

    @Test func processStateSkipsACommandHoldingParentheses() {
        let stat = bytes("42 (evil) Z (x)) S 1 42 42 0 -1")
        let state = stat.withUnsafeBufferPointer { NamespaceParsers.processState($0) }
        #expect(state == UInt8(ascii: "S"))
        let zombie = bytes("43 (sleep) Z 1 43")
        #expect(zombie.withUnsafeBufferPointer { NamespaceParsers.processState($0) } == UInt8(ascii: "Z"))
        #expect(!NamespaceParsers.isLive(state: UInt8(ascii: "Z")) && NamespaceParsers.isLive(state: UInt8(ascii: "S")))
        #expect(bytes("garbage").withUnsafeBufferPointer { NamespaceParsers.processState($0) } == nil)
    }

    func cgroup(_ text: String) -> CgroupIdentity { bytes(text).withUnsafeBufferPointer { CgroupIdentity.parse($0) } }

    @Test func cgroupPathsNameThePodAndTheContainer() {
        let id = String(repeating: "ab12", count: 16)
        let systemd = cgroup("0::/kubepods.slice/kubepods-burstable.slice/"
            + "kubepods-burstable-pod1a2b3c4d_5e6f_7a8b_9c0d_1e2f3a4b5c6d.slice/cri-containerd-\(id).scope\n")
        #expect(systemd == CgroupIdentity(podUID: "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d", containerID: id, runtime: "containerd"))
        let cgroupfs = cgroup("12:memory:/kubepods/besteffort/pod1A2B3C4D-5E6F-7A8B-9C0D-1E2F3A4B5C6D/\(id)\n0::/\n")
        #expect(cgroupfs == CgroupIdentity(podUID: "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d", containerID: id, runtime: nil))
        #expect(cgroup("0::/system.slice/docker-\(id).scope\n") == CgroupIdentity(containerID: id, runtime: "docker"))
        #expect(cgroup("0::/docker/\(id)\n") == CgroupIdentity(containerID: id, runtime: "docker"))
        #expect(cgroup("0::/kubepods.slice/kubepods-pod11111111_2222_3333_4444_555555555555.slice/crio-\(id).scope\n").runtime == "cri-o")
        #expect(cgroup("0::/machine.slice/libpod-\(id).scope/container\n") == CgroupIdentity(containerID: id, runtime: "podman"))
        // Not containers: a bare hex directory elsewhere, a pod-looking name outside kubepods, plain services.
        #expect(cgroup("4:memory:/process_api/d2b065ac0b611fc29236d5aab3bb25cf\n0::/\n") == CgroupIdentity())
        #expect(cgroup("0::/user.slice/pod1a2b3c4d_5e6f_7a8b_9c0d_1e2f3a4b5c6d.scope\n") == CgroupIdentity())
        #expect(cgroup("0::/system.slice/sshd.service\n") == CgroupIdentity())
        #expect(cgroup("") == CgroupIdentity())
    }

    @Test func podLogDirectoriesSplitIntoNamespacePodAndUID() {
        let pod = NamespaceParsers.podLogDirectory(bytes("kube-system_coredns-5d78c9869d-7xk2p_0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"))
        #expect(pod == PodName(namespace: "kube-system", pod: "coredns-5d78c9869d-7xk2p", uid: "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"))
        #expect(NamespaceParsers.podLogDirectory(bytes("a_b_notauid")) == nil)
        #expect(NamespaceParsers.podLogDirectory(bytes("a_b_c_0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9")) == nil)
        let hostile = NamespaceParsers.podLogDirectory(bytes("ns\u{1b}[2J_p_0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"))
        #expect(hostile?.namespace == "ns\\x1b[2J")
    }

    @Test func aNamespaceIsNamedByPodThenContainerThenNameThenProcess() {
        let id = String(repeating: "c", count: 64)
        let uid = "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"
        let pod = PodName(namespace: "shop", pod: "cart-0", uid: uid)
        func make(_ c: CgroupIdentity, _ p: PodName? = nil, _ n: String? = nil, pid: Int32? = 7) -> NamespaceIdentity {
            NamespaceIdentity.make(cgroup: c, pod: p, netnsName: n, command: "nginx", pid: pid, inode: 4026532000)
        }
        #expect(make(CgroupIdentity(podUID: uid, containerID: id, runtime: "containerd"), pod, "blue").name == "shop/cart-0")
        #expect(make(CgroupIdentity(podUID: uid)).name == "pod-\(uid)")
        let container = make(CgroupIdentity(containerID: id, runtime: "docker"), nil, "blue")
        #expect(container.kind == "container" && container.name == "docker:cccccccccccc")
        #expect(make(CgroupIdentity(), nil, "blue").kind == "named")
        #expect(make(CgroupIdentity()).name == "nginx[7]")
        #expect(make(CgroupIdentity(), pid: nil).name == "net:[4026532000]")
    }

    @Test func socketLinksGiveTheirInode() {
        #expect(SocketOwners.socketInode(bytes("socket:[123456]")) == 123456)
        #expect(SocketOwners.socketInode(bytes("pipe:[123456]")) == nil)
        #expect(SocketOwners.socketInode(bytes("/dev/null")) == nil)
    }
}

/// RTM_NEWLINK records built as the kernel lays them out (linux/if_link.h).
struct LinkFactsParserTests {
    func attribute(_ type: UInt16, _ value: [UInt8]) -> [UInt8] {
        var a = withUnsafeBytes(of: UInt16(4 + value.count)) { Array($0) } + withUnsafeBytes(of: type) { Array($0) } + value
        while a.count % 4 != 0 { a.append(0) }
        return a
    }
    func u32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }

    func message(index: Int32, flags: UInt32, _ attributes: [[UInt8]]) -> [UInt8] {
        let body = [0, 0, 1, 0] + withUnsafeBytes(of: index) { Array($0) } + u32(flags) + u32(0) + attributes.flatMap { $0 }
        return u32(UInt32(16 + body.count)) + withUnsafeBytes(of: UInt16(16)) { Array($0) } + [2, 0] + u32(1) + u32(0) + body
    }

    func parse(_ bytes: [UInt8]) throws -> [LinkFacts] {
        var out: [LinkFacts] = []
        try bytes.withUnsafeBufferPointer { b throws(ParseError) in
            try RtnetlinkParser.forEachLink(b) { _, facts in if let facts { out.append(facts) } }
        }
        return out
    }

    @Test func aVethRecordGivesStateMTUQueueAndPeer() throws {
        let info = attribute(18, attribute(1, Array("veth\0".utf8)))
        let up = message(index: 7, flags: 0x1 | 0x10000, [
            attribute(3, Array("eth0\0".utf8)), attribute(4, u32(1280)), attribute(13, u32(500)), attribute(16, [6]),
            attribute(33, [1]), attribute(5, u32(12)), attribute(37, u32(0)), info,
        ])
        let down = message(index: 8, flags: 0, [attribute(3, Array("eth1\0".utf8)), attribute(16, [2]), attribute(33, [0])])
        let links = try parse(up + down)
        #expect(links.count == 2)
        #expect(links[0].name == Array("eth0".utf8) && links[0].mtu == 1280 && links[0].txQueueLen == 500)
        #expect(links[0].operstate == "up" && links[0].carrier == 1 && links[0].kind == "veth")
        #expect(links[0].peerIndex == 12 && links[0].peerNetnsID == 0)
        // Administratively down: no carrier, as /sys/class/net/IF/carrier refuses the read.
        #expect(links[1].operstate == "down" && links[1].carrier == nil && links[1].mtu == nil)
    }

    @Test func aTruncatedRecordIsAnErrorAndABadAttributeCostsOnlyItself() throws {
        let good = message(index: 3, flags: 1, [attribute(4, u32(1500)), [0xFF, 0x00, 0x04, 0x00]])
        #expect(try parse(good).first?.mtu == 1500)
        #expect(throws: ParseError.self) { try parse(Array(good.prefix(20)) + [0, 0, 0, 0]) }
        var short = good
        short.replaceSubrange(0..<4, with: u32(24))   // ifinfomsg cut short
        #expect(throws: ParseError.self) { try parse(Array(short.prefix(24))) }
    }
}
