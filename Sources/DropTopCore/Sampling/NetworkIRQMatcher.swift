/// What /sys says about one interface's hardware, enough to find its IRQs.
public struct InterfaceDevice: Equatable, Sendable {
    public var interface: String
    /// Basename of /sys/class/net/IF/device: a PCI address ("0000:3b:00.0") or "virtio2".
    public var deviceName: String?
    /// IRQ numbers listed in the device's msi_irqs directory.
    public var msiIRQs: Set<String>
}

/// Decides which /proc/interrupts rows belong to which interface.
///
/// In order: the IRQ is listed in the device's msi_irqs; an action name is the interface or starts
/// with "IF-" (ixgbe/i40e "eth0-TxRx-3"); an action name names the device ("mlx5_comp3@pci:0000:3b:00.0",
/// virtio "virtio2-input.0").
public enum NetworkIRQMatcher {
    public static func interface(for row: InterruptRow, devices: [InterfaceDevice]) -> String? {
        guard row.isNumbered else { return nil }
        for device in devices where device.msiIRQs.contains(row.id) { return device.interface }
        let tokens = row.description.split(whereSeparator: { $0 == " " || $0 == "," })
        for device in devices {
            for token in tokens {
                if token == device.interface || token.hasPrefix(device.interface + "-") || token.hasPrefix(device.interface + "@") {
                    return device.interface
                }
                if let name = device.deviceName {
                    if token.hasSuffix("@pci:" + name) || token.hasSuffix("@" + name) || token.hasPrefix(name + "-") {
                        return device.interface
                    }
                }
            }
        }
        return nil
    }
}
