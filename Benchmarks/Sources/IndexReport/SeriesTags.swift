// The series of the in-memory and on-disk index sections: TSBS-like tag sets.
import BenchmarkSupport
import SundialWorkloads

typealias Tags = [(key: String, value: String)]

enum SeriesTags {
    /// TSBS's nine regions.
    static let regions = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1",
                          "ap-southeast-2", "ap-northeast-1", "sa-east-1"]
    static let operatingSystems = ["Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"]

    /// `count` tag sets like TSBS's: hostname (unique, `host_<i>`), region (9),
    /// datacenter (27), rack (100), os (3), service (20). Deterministic.
    static func make(count: Int) -> [Tags] {
        var rng = SplitMix64(seed: 1)
        let zones = ["a", "b", "c"]
        return (0..<count).map { h in
            let region = regions[Int(rng.next() % 9)]
            return [("hostname", "host_\(h)"), ("region", region), ("datacenter", region + zones[Int(rng.next() % 3)]),
                    ("rack", String(rng.next() % 100)), ("os", operatingSystems[Int(rng.next() % 3)]),
                    ("service", String(rng.next() % 20))]
        }
    }
}
