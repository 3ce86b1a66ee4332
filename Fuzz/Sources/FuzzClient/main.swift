import CLibFuzzer
import Glibc
import TallyConnectionFuzzing
import TallyFuzzing

// libFuzzer's driver, with TallyConnectionFuzzing.ClientFuzzing for every input.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in FuzzMain.testOneInput(ClientFuzzing.self, data, size) })
