import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VisitIntent
import VisitIntentServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve scores over HTTP in real time (Hummingbird 2).",
        discussion: """
        POST /v1/score        one session's events (canonical JSON) or a feature row → probabilities, intent, reasons, content
                              ("reasons": 0 in the body skips the reason codes: TreeSHAP costs about 0.25 ms a session)
        POST /v1/score/batch  {"sessions": [ … ]}
        GET  /v1/model        the model card, classes and features
        GET  /healthz         liveness and the model version
        GET  /metrics         Prometheus text: requests by status, latency histogram, model version

        Send SIGHUP to reload the model file: requests in flight finish on the old model; a bad \
        new file is refused (logged) and the old model kept. Ids in requests are pseudonymised \
        with INTENT_PSEUDONYM_KEY (or --pseudonym-key-file) and never logged.

        Example:
          intent serve --model models/clinic-gbdt.json --playbook datasets/clinic-playbook.yaml --port 8080
          curl -s localhost:8080/v1/score -d '{"events":[{"timestamp":"2026-11-30T10:00:00Z","event":"page_view","url":"/tarifs"}]}'
        """)

    @Option(help: ArgumentHelp("Model file (reloaded on SIGHUP).", valueName: "file")) var model: String
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 8080
    @Option(help: ArgumentHelp("Content playbook (YAML).", valueName: "file")) var playbook: String?
    @Option(help: ArgumentHelp("Reason codes per score.", valueName: "N")) var reasons: Int = 3
    @Option(help: ArgumentHelp("Largest request body, in bytes.", valueName: "bytes")) var maxBodyBytes: Int = 1 << 20
    @Option(help: ArgumentHelp("Most sessions in one batch request.", valueName: "n")) var maxBatch: Int = 1_000
    @Option(help: ArgumentHelp("File holding the pseudonym key (else INTENT_PSEUDONYM_KEY, else random for this run).", valueName: "file")) var pseudonymKeyFile: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(1...65535).contains(port) { throw ValidationError("--port must be between 1 and 65535") }
        if !(0...20).contains(reasons) { throw ValidationError("--reasons must be between 0 and 20") }
        if !(1_024...(256 << 20)).contains(maxBodyBytes) { throw ValidationError("--max-body-bytes must be between 1024 and 268435456") }
        if !(1...100_000).contains(maxBatch) { throw ValidationError("--max-batch must be between 1 and 100000") }
    }

    func run() async throws {
        var logger = Logger(label: "visitintent")
        logger.logLevel = output.quiet ? .warning : .info
        let holder = try ModelHolder(path: model, logger: logger)
        var settings = ScoringService.Settings()
        settings.reasons = reasons
        settings.maxBatch = maxBatch
        settings.playbook = try playbook.map { try ContentPlaybook.load(path: $0) }
        let pseudonymizer = try Pseudonymizer.fromEnvironment(keyFile: pseudonymKeyFile)
        if pseudonymizer.isEphemeral { logger.notice("no INTENT_PSEUDONYM_KEY or --pseudonym-key-file: session ids in answers are random for this run") }
        var limits = ScoreRoutes.Limits()
        limits.maxBodyBytes = maxBodyBytes
        let metrics = ServerMetrics()
        let router = ScoreRoutes.router(model: holder, service: ScoringService(settings: settings, pseudonymizer: pseudonymizer), metrics: metrics, limits: limits)
        // SIGHUP reloads the model; the swap is atomic (see ModelHolder).
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { holder.reload() }
        hangup.resume()
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "visitintent"), logger: logger)
        Console.warnUnreachable(settings.playbook, model: holder.model.classifier)
        let onLoops = await EventLoopExecutor.isActive()
        if !onLoops { logger.warning("tasks run on the default concurrency pool, not NIO's event loops: each request hops threads (more CPU, a higher p99)") }
        logger.info("serving", metadata: ["model": "\(holder.model.version)", "kind": "\(holder.model.classifier.kind)", "address": "\(host):\(port)",
                                          "executor": "\(onLoops ? "event loops" : "default pool")"])
        try await app.runService()
        hangup.cancel()
    }
}
