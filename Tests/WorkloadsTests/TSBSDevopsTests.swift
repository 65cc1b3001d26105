import Testing
import SundialWorkloads

@Suite struct TSBSDevopsTests {
    @Test func sameSeedSameData() {
        let a = TSBSDevops(hosts: 3, seed: 7).seriesColumns(host: 2, points: 100)
        let b = TSBSDevops(hosts: 3, seed: 7).seriesColumns(host: 2, points: 100)
        #expect(a.timestamps == b.timestamps)
        #expect(a.fields == b.fields)
        let c = TSBSDevops(hosts: 3, seed: 8).seriesColumns(host: 2, points: 100)
        #expect(a.fields != c.fields)
    }

    @Test func fieldsAreClampedIntegersThatWalk() {
        let (timestamps, fields) = TSBSDevops(hosts: 1).seriesColumns(host: 0, points: 5000)
        #expect(timestamps.first == TSBSDevops.defaultStart)
        #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { $1 - $0 == TSBSDevops.defaultInterval })
        #expect(fields.count == 10)
        for field in fields {
            #expect(field.allSatisfy { $0 >= 0 && $0 <= 100 && $0 == $0.rounded(.towardZero) })
            // A random walk with N(0,1) steps rarely moves more than 6 between samples.
            let bigSteps = zip(field, field.dropFirst()).filter { abs($1 - $0) > 6 }.count
            #expect(bigSteps == 0)
            #expect(Set(field).count > 5)
        }
    }

    @Test func lineProtocolHasOneLinePerHostAndPoint() {
        let generator = TSBSDevops(hosts: 4)
        var text: [UInt8] = []
        generator.writeLineProtocol(points: 3, chunkSize: 100) { text += $0 }
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 12)
        #expect(lines[0].hasPrefix("cpu,hostname=host_0,region="))
        #expect(lines[0].hasSuffix(" \(TSBSDevops.defaultStart)"))
        #expect(lines[0].contains(" usage_user="))
        #expect(lines[0].split(separator: " ")[1].split(separator: ",").count == 10)
        #expect(lines[4].hasPrefix("cpu,hostname=host_0,"))
        #expect(lines[4].hasSuffix(" \(TSBSDevops.defaultStart + TSBSDevops.defaultInterval)"))
    }

    @Test func lineProtocolValuesMatchSeriesColumns() {
        let generator = TSBSDevops(hosts: 2, seed: 5)
        var text: [UInt8] = []
        generator.writeLineProtocol(points: 10) { text += $0 }
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
        let columns = generator.seriesColumns(host: 1, points: 10)
        for p in 0..<10 {
            let fieldsPart = lines[p * 2 + 1].split(separator: " ")[1]
            let first = fieldsPart.split(separator: ",")[0].split(separator: "=")[1]
            #expect(Double(String(first)) == columns.fields[0][p])
        }
    }
}

@Suite struct TSBSStreamTests {
    @Test func streamMatchesSeriesColumns() {
        let generator = TSBSDevops(hosts: 3, seed: 4)
        var stream = generator.stream()
        var times: [[Int64]] = [[], [], []]
        var usage: [[Double]] = [[], [], []]
        for window in [7, 1, 30, 12] {
            for (h, chunk) in stream.next(window).enumerated() {
                times[h] += chunk.timestamps
                usage[h] += chunk.fields[0]
            }
        }
        for h in 0..<3 {
            let whole = generator.seriesColumns(host: h, points: 50)
            #expect(times[h] == whole.timestamps)
            #expect(usage[h] == whole.fields[0])
        }
    }
}
