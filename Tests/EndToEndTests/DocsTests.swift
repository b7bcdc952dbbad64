import Foundation
import DropTopCore
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

/// The man page's column lists are the catalog's: a label renamed or a column added in the
/// catalog without the man page (or the other way round) fails here.
@Suite struct CatalogDocsTests {
    @Test func everyBatchGroupInTheManPageListsTheCatalogsColumns() throws {
        let man = try String(contentsOfFile: packageRoot + "/man/droptop.1", encoding: .utf8)
            .replacingOccurrences(of: "\\-", with: "-")
        for group in ColumnGroup.batchGroups {
            let lines = man.split(separator: "\n", omittingEmptySubsequences: false)
            let at = try #require(lines.firstIndex { $0 == ".B \(group.name)" }, "man page lacks batch group \(group.name)")
            let listed = lines[at + 1]
            for label in group.labels {
                #expect(listed.contains(label), "man page: group \(group.name) does not list \(label): \(listed)")
            }
        }
    }

    @Test func everyColumnLabelIsDocumented() throws {
        let man = try String(contentsOfFile: packageRoot + "/man/droptop.1", encoding: .utf8)
            .replacingOccurrences(of: "\\-", with: "-")
        for column in ColumnGroup.allColumns {
            #expect(man.contains(column.label), "\(column.label) (\(column.meaning)) is not in man/droptop.1")
        }
    }

    @Test func everyFindingIsInTheTriageDocs() throws {
        let docs = try String(contentsOfFile: packageRoot + "/docs/triage.md", encoding: .utf8)
        for kind in FindingKind.all { #expect(docs.contains("`\(kind.id)`"), "\(kind.id) is not in docs/triage.md") }
    }

    @Test func sourcesKeepTheirShape() throws {
        let r = try run("/usr/bin/env", ["python3", packageRoot + "/scripts/check-shape.py"])
        #expect(r.status == 0, "scripts/check-shape.py:\n\(r.stdout)")
    }
}
