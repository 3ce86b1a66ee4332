import ArgumentParser
import Foundation
import TallyClient
import TallyCodec
import TallyModel
import TallyDataset

struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish figures from a file in the dataset format, all or nothing.",
        discussion: "The token comes from --token-file, --token, or TALLY_PUBLISH_TOKEN. The file is validated here first; the server validates it again."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Dataset file (YAML, see Sources/TallyDataset/DATASET.md).") var file: String
    @Option(help: "Bearer token.") var token: String?
    @Option(help: "File holding the bearer token.") var tokenFile: String?
    @Option(name: .customLong("retract"), help: "Id of a figure to retract (repeat for several).") var retractions: [String] = []
    @Option(help: "Refuse unless the dataset is at this version.") var expectVersion: UInt64?
    @Option(help: "A note kept with the publish.") var comment = ""

    func run() async throws {
        try await reportingFailures {
            let secret: String
            if let tokenFile {
                guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else { throw TallyClientError.badArguments("cannot read --token-file \(tokenFile)") }
                secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
            } else if let token {
                secret = token
            } else if let environment = ProcessInfo.processInfo.environment["TALLY_PUBLISH_TOKEN"], !environment.isEmpty {
                secret = environment
            } else {
                throw TallyClientError.badArguments("publishing needs a token: --token-file, --token or TALLY_PUBLISH_TOKEN")
            }
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw TallyClientError.badArguments("cannot read \(file)") }
            var request = PublishRequest()
            do {
                request.figures = try DatasetFile.parse(text)
            } catch {
                throw TallyClientError.invalidInput("\(file) is not a valid dataset file; nothing was sent:\n\(error)")
            }
            request.retractIDs = retractions
            request.expectedVersion = expectVersion ?? 0
            request.comment = comment
            let client = try global.makeClient()
            let response: PublishResponse
            do {
                response = try await client.publish(request, token: secret)
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
            switch global.format {
            case .json: output(Render.json(["dataset_version": response.datasetVersion, "upserted": response.upserted, "retracted": response.retracted]))
            case .csv: output(Render.csv([["dataset_version", "upserted", "retracted"], [String(response.datasetVersion), String(response.upserted), String(response.retracted)]]))
            case .table: output("Published \(response.upserted) figures, retracted \(response.retracted): dataset v\(response.datasetVersion).\n")
            }
        }
    }
}
