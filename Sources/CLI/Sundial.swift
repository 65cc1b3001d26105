// The `sundial` command-line tool.
import ArgumentParser
import Sundial

@main
struct SundialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sundial",
        abstract: "Sundial, an embedded time-series analytics database.",
        version: SundialVersion.current,
        subcommands: [ServeCommand.self, TokenCommand.self, CodecsCommand.self, WriteCommand.self, QueryCommand.self, ShellCommand.self, StatsCommand.self, VerifyCommand.self, GenerateCommand.self,
                      CrashWriterCommand.self],
        defaultSubcommand: ServeCommand.self)
}
