import RunbookLanguage
import Testing

/// A loop's label names its item by what identifies it, never by a value cut mid-way.
@Suite struct ItemLabelTests {
    @Test func aMappingIsNamedByItsNameOrId() {
        let region = ExprValue.record([
            (name: "name", value: .scalar(.string("east"))),
            (name: "standbys", value: .list([.scalar(.int(2)), .scalar(.int(4))])),
        ])
        #expect(region.itemLabel(index: 0) == "east")
        let pair = ExprValue.record([
            (name: "standbys", value: .list([])), (name: "id", value: .scalar(.int(2000022))),
        ])
        #expect(pair.itemLabel(index: 0) == "2000022")
        let other = ExprValue.record([(name: "zone", value: .scalar(.string("z1")))])
        #expect(other.itemLabel(index: 0) == "z1")
        let nothingToName = ExprValue.record([(name: "ids", value: .list([]))])
        #expect(nothingToName.itemLabel(index: 2) == "#3")
    }

    @Test func listsEmptyStringsAndNullAreNamedPlainly() {
        #expect(ExprValue.list([.scalar(.int(1))]).itemLabel(index: 4) == "#5")
        #expect(ExprValue.scalar(.string("")).itemLabel(index: 0) == "\"\"")
        #expect(ExprValue.scalar(.null).itemLabel(index: 0) == "null")
        #expect(ExprValue.scalar(.int(6)).itemLabel(index: 0) == "6")
    }

    @Test func aLongTextEndsAtAWord() {
        let long = ExprValue.scalar(.string("the standby cluster of the Shanghai region behind the second proxy"))
        let label = long.itemLabel(index: 0)
        #expect(label == "the standby cluster of the Shanghai…")
        #expect(label.count <= StepLabel.maxLength)
        let word = ExprValue.scalar(.string(String(repeating: "x", count: 60)))
        #expect(word.itemLabel(index: 1) == "#2")
    }
}
