/// GuardDuty's severity bands and their colours: High red, Medium orange, Low blue.
struct SeverityBand {
    let name: String
    let colour: String

    init(_ severity: Double) {
        if severity >= 7 {
            self.name = "High"
            self.colour = "#d13212"
        } else if severity >= 4 {
            self.name = "Medium"
            self.colour = "#ec7211"
        } else {
            self.name = "Low"
            self.colour = "#0073bb"
        }
    }
}
