import Foundation
import Reconciler
import Spec
import Testing

/// The nested diff under the text, JSON and markdown plans (issue 12).
@Suite struct AttributeDiffTests {
    @Test func mapsAreComparedKeyByKeyAndUnchangedKeysCounted() {
        let before: [String: JSONValue] = [
            "name": .string("A"), "data": .object(["timeout": .int(1), "mock": .object(["a": .int(1), "b": .int(2)])])
        ]
        var after = before
        after["data"] = .object(["timeout": .double(2.0), "mock": .object(["a": .int(1), "b": .int(2), "c": .int(3)])])
        let d = AttributeDiff(before: before, after: after)
        #expect(d.changes.map(\.pathText) == ["data.mock.c", "data.timeout"])
        #expect(d.changes.map(\.action) == [.add, .update])
        #expect(d.changes[1].after == .int(2))  // integral doubles are ints
        #expect(d.unchangedAttributes == 3)  // name, data.mock.a, data.mock.b
    }

    @Test func anAddedMapShowsAsItsLeavesAndOddKeysAreQuoted() {
        let d = AttributeDiff(
            before: ["data": .object([:])],
            after: ["data": .object(["macros": .object(["%dist": .string(".el9"), "plain_key-1": .int(1)])])])
        #expect(d.changes.map(\.pathText) == ["data.macros.\"%dist\"", "data.macros.plain_key-1"])
        #expect(d.changes.allSatisfy { $0.action == .add })
    }

    @Test func namesAreSetsOtherListsAreOrdered() {
        let sets = AttributeDiff(
            before: ["arch_list": .array(["x86_64", "aarch64"].map(JSONValue.string))],
            after: ["arch_list": .array(["aarch64", "x86_64", "s390x"].map(JSONValue.string))])
        #expect(sets.changes.map(\.action) == [.addElement])
        #expect(sets.changes.first?.after == .string("s390x"))
        #expect(sets.changes.first?.index == nil)
        #expect(sets.unchangedElements["arch_list"] == 2)

        let ordered = AttributeDiff(
            before: ["opts": .array(["a", "b", "c"].map(JSONValue.string))],
            after: ["opts": .array(["a", "x", "b", "c"].map(JSONValue.string))])
        #expect(ordered.changes.map(\.action) == [.addElement])
        #expect(ordered.changes.first?.index == 1)
        #expect(ordered.unchangedElements["opts"] == 3)

        let reordered = AttributeDiff(
            before: ["arch_list": .array(["a", "b"].map(JSONValue.string))],
            after: ["arch_list": .array(["b", "a"].map(JSONValue.string))])
        #expect(reordered.changes.map(\.action) == [.update])  // same set, other order: one change of the list
    }

    @Test func listDiffIsMinimal() {
        let steps = ListDiff.steps([1, 2, 3, 4], [1, 3, 4, 5])
        #expect(steps == [.same(0, 0), .removed(1), .same(2, 1), .same(3, 2), .added(3)])
        #expect(ListDiff.steps([Int](), []) == [])
    }

    @Test func attributeChangesRoundTripThroughJSON() throws {
        let change = AttributeChange(path: ["data", "%x"], action: .addElement, after: .int(1), index: 2)
        let data = try JSONEncoder().encode(change)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["path"] as? String == "data.\"%x\"")
        #expect(object["action"] as? String == "add_element")
        #expect(try JSONDecoder().decode(AttributeChange.self, from: data) == change)
    }
}
