import Foundation
import Testing

@Suite struct DocsTests {
    @Test(.needs(.groff)) func manPageRendersWithoutWarnings() throws {
        let r = try run(try OptionalTool.groff.require(), [ "-man", "-ww", "-z", packageRoot + "/man/droptop.1"])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty, "groff warnings: \(r.stderr)")
    }

    @Test func everyLongOptionInHelpIsInTheManPageAndREADME() throws {
        let help = try droptop(["--help"]).stdout
        let man = try String(contentsOfFile: packageRoot + "/man/droptop.1", encoding: .utf8)
            .replacingOccurrences(of: "\\-", with: "-")
        let readme = try String(contentsOfFile: packageRoot + "/README.md", encoding: .utf8)
        let options = Set(help.matches(of: /--[a-z][a-z0-9-]+/).map { String($0.output) })
        #expect(options.contains("--once"))
        for option in options {
            #expect(man.contains(option), "\(option) is missing from man/droptop.1")
            #expect(readme.contains(option), "\(option) is missing from README.md")
        }
    }
}
