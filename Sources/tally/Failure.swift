import ArgumentParser
import Foundation
import TallyClient
import TallyStore

/// Runs a command body, turning failures into a message on stderr and the documented exit code.
func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as TallyClientError {
        printError("tally: \(error)")
        throw ExitCode(exitCode(for: error))
    } catch let failure as StoreFailure {
        // The local snapshot's disk or file (a full disk during a sync, a read-only directory):
        // the transaction was rolled back, so the copy is the version it was.
        printError("tally: local snapshot: \(failure)")
        throw ExitCode(failure.exitCode)
    } catch let error as ChartFileError {
        printError("tally: \(error)")
        throw ExitCode(error.exitCode)
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        printError("tally: \(error)")
        throw ExitCode(70)
    }
}

func exitCode(for error: TallyClientError) -> Int32 {
    switch error {
    case .badArguments: 64
    case .invalidInput: 65
    case .noLocalSnapshot: 66
    case .unreachable, .connectionLost: 69
    case .timedOut: 75
    case .status: 70
    case .protocolError, .corruptSnapshot: 76
    case .tls: 77
    }
}


func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func output(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
